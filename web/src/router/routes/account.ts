// 账号: 登录, 自然人用户注册, 个人中心, 修改密码, 身份核验.
import type { RouteRecordRaw } from 'vue-router'

/** Every role an account can have (services/gateway/gateway/domain.py ACCOUNT_ROLES). */
export const ANY_ACCOUNT = [
  'candidate', 'institution_operator', 'reviewer', 'finance', 'exam_admin',
  'certificate_officer', 'municipal_center', 'provincial_center',
]

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/account/LoginView.vue'), meta: { title: 'account.login.title' } },
  { path: '/signup', name: 'signup', component: () => import('@/views/account/SignupView.vue'), meta: { title: 'account.signup.title' } },
  { path: '/me', name: 'me', component: () => import('@/views/account/MeView.vue'), meta: { title: 'account.me.title', roles: ANY_ACCOUNT } },
  { path: '/me/password', name: 'me-password', component: () => import('@/views/account/PasswordView.vue'), meta: { title: 'account.password.title', roles: ANY_ACCOUNT } },
  { path: '/me/verify', name: 'me-verify', component: () => import('@/views/account/VerifyView.vue'), meta: { title: 'account.verify.title', roles: ['candidate'] } },
]
export default routes
