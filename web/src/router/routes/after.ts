// Payment, admission tickets, results, certificates (the "after review" pages):
// 缴费, 准考证下载, 成绩查询, 我的证书, 证书查询与核验, and the page the QR code of
// every certificate opens.
import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/me/applications/:id/payment', name: 'after-payment', component: () => import('@/views/after/PaymentView.vue'), meta: { title: 'after.payment.title', roles: ['candidate'] } },
  { path: '/tickets', name: 'after-tickets', component: () => import('@/views/after/TicketsView.vue'), meta: { title: 'after.tickets.title' } },
  { path: '/results', name: 'after-results', component: () => import('@/views/after/ResultsView.vue'), meta: { title: 'after.results.title' } },
  { path: '/me/certificates', name: 'after-my-certificates', component: () => import('@/views/after/MyCertificatesView.vue'), meta: { title: 'after.mine.title', roles: ['candidate'] } },
  { path: '/certificates/check', name: 'after-certificate-check', component: () => import('@/views/after/CertificateCheckView.vue'), meta: { title: 'after.check.title' } },
  { path: '/certificates/verify', name: 'after-certificate-verify', component: () => import('@/views/after/CertificateVerifyView.vue'), meta: { title: 'after.verify.title' } },
]
export default routes
