// 财务's menu: the finance account's, and the provincial center's (every staff console).
import type { Menus } from '../nav'

const items = [
  { to: '/finance', label: 'finance.menu.submissions' },
  { to: '/finance/statements', label: 'finance.menu.statements' },
  { to: '/finance/refunds', label: 'finance.menu.refunds' },
  { to: '/finance/report', label: 'finance.menu.report' },
]
const menus: Menus = { finance: items, provincial_center: items }
export default menus
