// 市州职鉴中心's console (#16): its region's assessor applications and its places.
import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/municipal/assessors', name: 'municipal-assessors', component: () => import('@/views/municipal/AssessorReviewView.vue'), meta: { title: 'municipal.title', roles: ['municipal_center', 'provincial_center'], desktop: true } },
]
export default routes
