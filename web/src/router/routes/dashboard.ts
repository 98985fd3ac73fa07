// 数据看板: the provincial center's figures, and each staff role's slice of
// them (the roles GET /api/dashboard answers). A desktop page.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['reviewer', 'finance', 'exam_admin', 'certificate_officer', 'municipal_center', 'provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/dashboard', name: 'dashboard', component: () => import('@/views/dashboard/DashboardView.vue'), meta: { title: 'dashboard.title', roles, desktop: true } },
]
export default routes
