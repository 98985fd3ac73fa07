// 证书管理: the certificate office's console (certificate_officer; the
// provincial center may do every staff thing). A desktop page.
import type { RouteRecordRaw } from 'vue-router'

const roles = ['certificate_officer', 'provincial_center']
const routes: RouteRecordRaw[] = [
  { path: '/certoffice', name: 'certoffice', component: () => import('@/views/certoffice/CertOfficeView.vue'), meta: { title: 'certoffice.title', roles, desktop: true } },
]
export default routes
