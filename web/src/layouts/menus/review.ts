// 复审's menu: the reviewer's, and the provincial center's (it may do every staff thing).
import type { Menus } from '../nav'

const items = [
  { to: '/review', label: 'review.menu.queue' },
  { to: '/review/bulk', label: 'review.menu.bulk' },
]
const menus: Menus = { reviewer: items, provincial_center: items }
export default menus
