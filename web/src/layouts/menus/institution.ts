// 报名机构's menu: 批量报名 and 报名名单 first (menus/instops.ts adds 缴费, 准考证 …).
import type { Menus } from '../nav'

const menus: Menus = {
  institution_operator: [
    { to: '/institution/import', label: 'institution.menu.import' },
    { to: '/institution/candidates', label: 'institution.menu.candidates' },
  ],
  provincial_center: [{ to: '/institution/candidates', label: 'institution.menu.institutionCandidates' }],
}

export default menus
