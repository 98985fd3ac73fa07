// vue-i18n: zh-CN first, English second. Every area of the portal keeps its
// words in its own file (i18n/zh-CN/<area>.ts, i18n/en/<area>.ts), merged here
// under the area's name: t('account.signup.title').
import { createI18n } from 'vue-i18n'

type Tree = { [key: string]: string | Tree }
function collect(modules: Record<string, { default: Tree }>) {
  const out: Tree = {}
  for (const [path, mod] of Object.entries(modules)) {
    const area = path.split('/').pop()!.replace(/\.ts$/, '')
    out[area] = mod.default
  }
  return out
}
const zh = collect(import.meta.glob<{ default: Tree }>('./zh-CN/*.ts', { eager: true }))
const en = collect(import.meta.glob<{ default: Tree }>('./en/*.ts', { eager: true }))

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
const saved = (typeof localStorage !== 'undefined' && localStorage.getItem('locale')) as Locale | null

export const i18n = createI18n({
  legacy: false,
  locale: saved && LOCALES.includes(saved) ? saved : 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zh, en },
  missingWarn: false,
  fallbackWarn: false,
})

export function setLocale(locale: Locale) {
  i18n.global.locale.value = locale
  localStorage.setItem('locale', locale)
  document.documentElement.lang = locale
}
