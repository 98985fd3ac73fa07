// 考务's menu: the exam administrator's, and the provincial center's (every staff console).
import type { Menus } from '../nav'

const items = [
  { to: '/exam', label: 'exam.menu.home' },
  { to: '/exam/rooms', label: 'exam.menu.rooms' },
  { to: '/exam/check-in', label: 'exam.menu.checkIn' },
]
const menus: Menus = { exam_admin: items, provincial_center: items }
export default menus
