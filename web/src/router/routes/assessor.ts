// 考评员督导员培训取证报名 (the 申报表) and 我的考评员报名 (progress and cards).
import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  {
    path: '/services/assessor',
    name: 'assessor-apply',
    component: () => import('@/views/assessor/AssessorApplyView.vue'),
    meta: { title: 'assessor.apply.title', roles: ['candidate'] },
  },
  {
    path: '/me/assessor',
    name: 'assessor-mine',
    component: () => import('@/views/assessor/MyAssessorView.vue'),
    meta: { title: 'assessor.mine.title', roles: ['candidate'] },
  },
]
export default routes
