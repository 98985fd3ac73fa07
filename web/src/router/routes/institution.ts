// 报名机构 (institution_operator): 批量报名 from the 考核人员花名册 workbook and the
// batch's candidates. Pages carry the institution's code; another institution's
// code is refused here too (the gateway refuses it: OTHER_INSTITUTION).
import type { RouteRecordRaw, RouteLocationNormalized } from 'vue-router'
import { useSession } from '@/stores/session'

const ROLES = ['institution_operator']
const READERS = ['institution_operator', 'provincial_center'] // 报名名单: the center too

function ownInstitution(to: RouteLocationNormalized) {
  const session = useSession()
  if (session.role === 'provincial_center') return true // the center sees every institution's list
  const own = session.account?.institution_code
  if (!own) return { name: 'home' }
  if (to.params.code !== own) return { name: 'institution-refused', query: { code: String(to.params.code) } }
  return true
}

const routes: RouteRecordRaw[] = [
  {
    path: '/institution/import',
    name: 'institution-import-own',
    component: () => import('@/views/institution/OwnInstitution.vue'),
    props: { target: 'institution-import' },
    meta: { title: 'institution.import.title', roles: ROLES, desktop: true },
  },
  {
    path: '/institution/candidates',
    name: 'institution-candidates-own',
    component: () => import('@/views/institution/OwnInstitution.vue'),
    props: { target: 'institution-candidates' },
    meta: { title: 'institution.candidates.title', roles: READERS, desktop: true },
  },
  {
    path: '/institution/:code/import',
    name: 'institution-import',
    component: () => import('@/views/institution/ImportView.vue'),
    props: true,
    beforeEnter: ownInstitution,
    meta: { title: 'institution.import.title', roles: ROLES, desktop: true },
  },
  {
    path: '/institution/:code/candidates',
    name: 'institution-candidates',
    component: () => import('@/views/institution/CandidatesView.vue'),
    props: true,
    beforeEnter: ownInstitution,
    meta: { title: 'institution.candidates.title', roles: READERS, desktop: true },
  },
  {
    path: '/institution/refused',
    name: 'institution-refused',
    component: () => import('@/views/institution/RefusedView.vue'),
    meta: { title: 'institution.refused.title', roles: ROLES, desktop: true },
  },
]

export default routes
