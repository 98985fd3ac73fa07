// 考务 (the center's exam administration console): exam_admin, and the
// provincial center, which may do every staff thing.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['exam_admin', 'provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/exam', name: 'exam-home', component: () => import('@/views/exam/ExamHomeView.vue'), meta: { title: 'exam.home.title', roles, desktop: true } },
  { path: '/exam/rooms', name: 'exam-rooms', component: () => import('@/views/exam/RoomsView.vue'), meta: { title: 'exam.rooms.title', roles, desktop: true } },
  { path: '/exam/check-in', name: 'exam-check-in', component: () => import('@/views/exam/CheckInView.vue'), meta: { title: 'exam.checkIn.title', roles, desktop: true } },
  { path: '/exam/batches/:code', name: 'exam-batch', component: () => import('@/views/exam/BatchView.vue'), meta: { title: 'exam.home.title', roles, desktop: true } },
  {
    path: '/exam/batches/:code/seat-plan/:session/:room',
    name: 'exam-seat-plan',
    component: () => import('@/views/exam/SeatPlanPrintView.vue'),
    meta: { title: 'exam.plan.title', roles, desktop: true },
  },
]
export default routes
