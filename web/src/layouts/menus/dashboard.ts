// 数据看板 in every staff menu that GET /api/dashboard answers (its own slice).
import type { Menus } from '../nav'

const item = [{ to: '/dashboard', label: 'dashboard.menu' }]
const menus: Menus = {
  reviewer: item, finance: item, exam_admin: item, certificate_officer: item,
  municipal_center: item, provincial_center: item,
}
export default menus
