// 考评员证卡查询 (public).
import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/assessor-cards/check', name: 'card-check', component: () => import('@/views/cards/CardCheckView.vue'), meta: { title: 'cards.title' } },
]
export default routes
