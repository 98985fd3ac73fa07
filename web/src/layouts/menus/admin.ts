// 管理员's menu: the provincial center's own pages (its other menus come from
// every staff console). The rehearsal clock sits on 工作日历, shown only when
// rehearsal is on.
import type { Menus } from '../nav'

const menus: Menus = {
  provincial_center: [
    { to: '/admin/accounts', label: 'admin.menu.accounts' },
    { to: '/admin/batches', label: 'admin.menu.batches' },
    { to: '/admin/calendar', label: 'admin.menu.calendar' },
  ],
}
export default menus
