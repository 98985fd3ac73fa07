// 报名机构's menu after 批量报名 and 报名名单 (menus/institution.ts): 缴费, 准考证,
// 成绩与证书, 考评员推荐; the provincial center's too (every staff console).
import type { Menus } from '../nav'

const items = [
  { to: '/institution/payment', label: 'instops.menu.payment' },
  { to: '/institution/tickets', label: 'instops.menu.tickets' },
  { to: '/institution/certificates', label: 'instops.menu.certificates' },
  { to: '/institution/assessors', label: 'instops.menu.assessors' },
]
const menus: Menus = { institution_operator: items, provincial_center: items }
export default menus
