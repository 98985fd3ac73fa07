// 财务: the center's finance console (finance; the provincial center may look at
// every staff page, the decisions are finance's). Desktop pages.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['finance', 'provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/finance', name: 'finance-submissions', component: () => import('@/views/finance/FinanceSubmissionsView.vue'), meta: { title: 'finance.submissions.title', roles, desktop: true } },
  { path: '/finance/statements', name: 'finance-statements', component: () => import('@/views/finance/FinanceStatementsView.vue'), meta: { title: 'finance.statements.title', roles, desktop: true } },
  { path: '/finance/refunds', name: 'finance-refunds', component: () => import('@/views/finance/FinanceRefundsView.vue'), meta: { title: 'finance.refunds.title', roles, desktop: true } },
  { path: '/finance/report', name: 'finance-report', component: () => import('@/views/finance/FinanceReportView.vue'), meta: { title: 'finance.report.title', roles, desktop: true } },
]
export default routes
