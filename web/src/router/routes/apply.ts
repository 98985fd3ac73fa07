// 网上办事, 专项职业能力考核报名 and 报名历史 (the candidate's own applications).
import type { RouteRecordRaw } from 'vue-router'

const routes: RouteRecordRaw[] = [
  { path: '/services', name: 'services', component: () => import('@/views/apply/ServicesView.vue'), meta: { title: 'apply.services.title' } },
  {
    path: '/services/apply',
    name: 'apply',
    component: () => import('@/views/apply/ApplyView.vue'),
    meta: { title: 'apply.form.title', roles: ['candidate'] },
  },
  {
    path: '/me/applications',
    name: 'applications',
    component: () => import('@/views/apply/HistoryView.vue'),
    meta: { title: 'apply.history.title', roles: ['candidate'] },
  },
  {
    path: '/me/applications/:id',
    name: 'application',
    component: () => import('@/views/apply/ApplicationView.vue'),
    props: true,
    meta: { title: 'apply.detail.title', roles: ['candidate'] },
  },
]

export default routes
