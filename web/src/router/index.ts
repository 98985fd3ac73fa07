// vue-router in history mode (the gateway answers every non-API path with
// index.html). Each area of the portal adds its routes in router/routes/<area>.ts
// (an array as the default export); meta.roles lists who may open a page
// (absent: anyone), meta.title is its i18n key.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from '@/stores/session'
import { i18n } from '@/i18n'

declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    roles?: string[]
    /** staff consoles are desktop pages; candidate and public pages work at 375 px */
    desktop?: boolean
  }
}

const modules = import.meta.glob<{ default: RouteRecordRaw[] }>('./routes/*.ts', { eager: true })
const areaRoutes = Object.values(modules).flatMap((m) => m.default)

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { title: 'home.title' } },
  ...areaRoutes,
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { title: 'common.notFound' } },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const session = useSession()
  if (session.signedIn && !session.account) {
    try {
      await session.refresh()
    } catch {
      session.forget()
    }
  }
  const roles = to.meta.roles
  if (roles && roles.length) {
    if (!session.signedIn) return { name: 'login', query: { next: to.fullPath } }
    if (!roles.includes(session.role ?? '')) return { name: 'home' }
  }
  return true
})

router.afterEach((to) => {
  const t = i18n.global.t
  const title = to.meta.title ? t(to.meta.title) : ''
  document.title = title ? `${title} - ${t('common.site')}` : t('common.site')
})
