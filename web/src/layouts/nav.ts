// The header's menu for each kind of visitor (role of the signed-in account).
export type NavItem = { to: string; label: string }

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

export function navFor(role: string | null): NavItem[] {
  if (role === 'candidate') return CANDIDATE
  return PUBLIC
}
