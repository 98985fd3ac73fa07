// The header's menu for each kind of visitor (role of the signed-in account).
// The public and candidate menus are here; each staff console adds the menu of
// its role(s) in layouts/menus/<area>.ts: a default export { role: NavItem[] },
// concatenated in file-name order when two areas serve the same role.
export type NavItem = { to: string; label: string }
export type Menus = Record<string, NavItem[]>

const PUBLIC: NavItem[] = [
  { to: '/', label: 'common.home' },
  { to: '/services', label: 'common.services' },
  { to: '/tickets', label: 'nav.tickets' },
  { to: '/results', label: 'nav.results' },
  { to: '/certificates/check', label: 'nav.certificateCheck' },
  { to: '/assessor-cards/check', label: 'nav.cardCheck' },
]
const CANDIDATE: NavItem[] = [
  { to: '/', label: 'common.home' },
  { to: '/services', label: 'common.services' },
  { to: '/me/applications', label: 'nav.history' },
  { to: '/me/certificates', label: 'nav.myCertificates' },
  { to: '/certificates/check', label: 'nav.certificateCheck' },
]

const modules = import.meta.glob<{ default: Menus }>('./menus/*.ts', { eager: true })
const CONSOLES: Menus = {}
for (const path of Object.keys(modules).sort()) {
  for (const [role, items] of Object.entries(modules[path].default)) {
    CONSOLES[role] = [...(CONSOLES[role] ?? []), ...items]
  }
}

export function navFor(role: string | null): NavItem[] {
  if (role === 'candidate') return CANDIDATE
  if (role && CONSOLES[role]) return [{ to: '/', label: 'common.home' }, ...CONSOLES[role]]
  return PUBLIC
}
