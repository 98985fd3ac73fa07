// 报名机构's console after registration (#16): 缴费, 准考证, 成绩与证书, 考评员推荐.
// Desktop pages; the provincial center (every staff power) opens them too.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['institution_operator', 'provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/institution/payment', name: 'instops-payment', component: () => import('@/views/instops/PaymentView.vue'), meta: { title: 'instops.payment.title', roles, desktop: true } },
  { path: '/institution/tickets', name: 'instops-tickets', component: () => import('@/views/instops/TicketsView.vue'), meta: { title: 'instops.tickets.title', roles, desktop: true } },
  { path: '/institution/certificates', name: 'instops-certificates', component: () => import('@/views/instops/CertificatesView.vue'), meta: { title: 'instops.certificates.title', roles, desktop: true } },
  { path: '/institution/assessors', name: 'instops-assessors', component: () => import('@/views/instops/AssessorView.vue'), meta: { title: 'instops.assessor.unitTitle', roles, desktop: true } },
]
export default routes
