// 证书管理 in the certificate officer's menu and the provincial center's.
import type { Menus } from '../nav'

const items = [{ to: '/certoffice', label: 'certoffice.menu.certificates' }]
const menus: Menus = { certificate_officer: items, provincial_center: items }
export default menus
