// 管理员: the provincial center's administrator (provincial_center): accounts
// and roles, the batch calendar, the working-day calendar and the rehearsal
// clock. Desktop pages.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/admin/accounts', name: 'admin-accounts', component: () => import('@/views/admin/AccountsView.vue'), meta: { title: 'admin.accounts.title', roles, desktop: true } },
  { path: '/admin/batches', name: 'admin-batches', component: () => import('@/views/admin/BatchesView.vue'), meta: { title: 'admin.batches.title', roles, desktop: true } },
  { path: '/admin/calendar', name: 'admin-calendar', component: () => import('@/views/admin/CalendarView.vue'), meta: { title: 'admin.calendar.title', roles, desktop: true } },
]
export default routes
