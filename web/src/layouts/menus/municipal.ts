// 市州职鉴中心's menu: 考评员审核; the provincial center's too.
import type { Menus } from '../nav'

const items = [{ to: '/municipal/assessors', label: 'municipal.menu.assessors' }]
const menus: Menus = { municipal_center: items, provincial_center: items }
export default menus
