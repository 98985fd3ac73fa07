// 复审: the center's reviewer console (reviewer; the provincial center may do
// every staff thing). Desktop pages.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['reviewer', 'provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/review', name: 'review-queue', component: () => import('@/views/review/ReviewQueueView.vue'), meta: { title: 'review.queue.title', roles, desktop: true } },
  { path: '/review/applications/:id', name: 'review-application', component: () => import('@/views/review/ReviewApplicationView.vue'), props: true, meta: { title: 'review.app.title', roles, desktop: true } },
  { path: '/review/bulk', name: 'review-bulk', component: () => import('@/views/review/ReviewBulkView.vue'), meta: { title: 'review.bulk.title', roles, desktop: true } },
]
export default routes
