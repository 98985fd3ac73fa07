// The 申报表's choices (附件1), copied from the assessor-training service's
// reference data (assessor_training/domain.py and data/projects.json): the
// API has no route that lists the assessor projects with their type (A4).
export const PROJECT_TYPES: { code: string; name: string; projects: [string, string][] }[] = [
  { code: 'big-data', name: '大数据类', projects: [
    ['bigdata-platform-setup', '大数据运行平台搭建'], ['business-data-analysis', '商业数据分析'],
    ['bigdata-collection', '大数据采集'], ['bigdata-cleaning', '大数据清洗'], ['bigdata-analysis', '大数据分析'],
    ['bigdata-application-development', '大数据应用开发'], ['distributed-database-management', '分布式数据库管理']] },
  { code: 'ai', name: '人工智能类', projects: [
    ['ai-image-recognition', '人工智能图像识别'], ['ai-text-analysis', '人工智能文本分析'], ['ai-speech-recognition', '人工智能语音识别']] },
  { code: 'digital-marketing', name: '数字营销类', projects: [['private-domain-traffic-operation', '私域流量运营']] },
  { code: 'online-learning', name: '在线学习类', projects: [['online-learning-operation', '在线学习运营'], ['online-learning-guidance', '在线学习指导']] },
  { code: 'labour-management', name: '劳资管理类', projects: [['construction-labour-wage-management', '工程建设领域劳资管理']] },
  { code: 'carbon', name: '碳排放与碳资产类', projects: [
    ['carbon-financial-accounting', '碳会计处理'], ['carbon-emission-trading', '碳排放交易'], ['carbon-asset-management', '碳资产管理'],
    ['carbon-emission-accounting', '碳排放核算'], ['carbon-asset-valuation', '碳资产评估']] },
  { code: 'tourism', name: '旅游服务类', projects: [['travel-itinerary-customization', '旅行线路定制']] },
  { code: 'health-counselling', name: '健康咨询类', projects: [
    ['mental-health-guidance', '心理健康指导'], ['child-adolescent-reproductive-health-counselling', '儿童青少年生殖健康教育咨询服务']] },
]
export const PROJECT_NAME: Record<string, string> = Object.fromEntries(PROJECT_TYPES.flatMap((t) => t.projects))
export const PROJECT_TYPE: Record<string, string> = Object.fromEntries(PROJECT_TYPES.flatMap((t) => t.projects.map(([c]) => [c, t.code])))
export const MAX_PROJECTS = 3
export const MIN_SUMMARY = 300

export const EDUCATION: [string, string][] = [
  ['junior_high', '初中'], ['high_school', '高中/中专'], ['junior_college', '大专'],
  ['bachelor', '本科'], ['master', '硕士研究生'], ['doctor', '博士研究生'],
]
export const QUALIFICATION_LEVELS: [string, string][] = [
  ['junior', '五级/初级工'], ['intermediate', '四级/中级工'], ['senior', '三级/高级工'],
  ['technician', '二级/技师'], ['senior_technician', '一级/高级技师'],
]
export const QUALIFICATION_KINDS: [string, string][] = [
  ['vocational_qualification', '职业资格证书'], ['skill_level', '职业技能等级证书'],
]
export const TITLE_LEVELS: [string, string][] = [
  ['junior', '初级'], ['intermediate', '中级'], ['associate_senior', '副高级'], ['senior', '正高级'],
]
export const CONDITIONS: [number, string][] = [
  [1, '具备相关专项职业能力考核项目相对应的职业（工种）高级及以上等级国家职业资格（技能等级）或初级及以上专业技术职称'],
  [2, '获得行政主管部门、行业协会颁发的荣誉证书或相关表彰，包含但不限于工匠（匠人）、非物质文化遗产代表性传承人、技术能手、工艺美术大师等相关荣誉（称号）；以及市级以上公共媒体宣传的典型技术创业人员或技术带头人等'],
  [3, '具备大专以上学历，在院校从事与专项职业能力考核项目相关的专业课教学经验3年以上'],
  [4, '具有丰富的从业经验，从事与专项职业能力考核项目相关的工作10年以上（提供相关证明材料，如行政部门推荐函、相关机构工作经历证明、社保证明、聘书等）'],
  [5, '参与行政主管部门或市级行业协会及以上组织的职业技能大赛执裁裁判或技术专家'],
]
export const PLEDGE = '本人参加培训前认真阅读相关文件规定，郑重承诺所填写信息及提供的资料真实有效，符合考评员申报条件，知晓培训考核方式等相关要求，如提供虚假资料，所有不利后果由本人承担。'

/** A4's count: every character that is not whitespace counts one (as the server counts). */
export function summaryLength(text: string) {
  let n = 0
  for (const ch of text) if (!/\s/u.test(ch)) n += 1
  return n
}

/** Upload limits of an assessor applicant (AT2, docs/assessor-training.md): the 2025
 * notice sets none, so not the candidates' M1/M2; the service's defaults
 * (ASSESSOR_PHOTO_MAX_KB, ASSESSOR_SCAN_MAX_KB), checked before sending; the
 * server's refusal (ASSESSOR_FILE_TOO_LARGE) shows if the center set them lower. */
export const KB = 1024
export const UPLOAD_RULE = 'AT2'
export const LIMITS = {
  photo: { types: ['image/jpeg', 'image/png'], max: 2048 * KB, min: 0, text: 'JPG 或 PNG，不超过 2 MB' },
  scan: { types: ['image/jpeg', 'image/png', 'application/pdf'], max: 5120 * KB, min: 0, text: 'JPG、PNG 或 PDF，不超过 5 MB' },
}

export const STATUS: Record<string, string> = {
  awaiting_unit: '待单位审核', awaiting_municipal: '待市州审核', awaiting_provincial: '待省级审核',
  admitted: '审核通过（参加培训）', passed: '考核合格（已发证卡）', failed: '考核不合格', rejected: '审核不通过', lapsed: '逾期不再受理',
}
export const STEP: Record<string, string> = { unit: '单位审核', municipal: '市州审核', provincial: '省级审核' }

/** Applications submitted from this browser (the API lists none for a candidate). */
const KEY = 'skillcert.assessor.applications'
export function rememberApplication(id: string) {
  const ids = knownApplications().filter((x) => x !== id)
  ids.unshift(id)
  localStorage.setItem(KEY, JSON.stringify(ids.slice(0, 20)))
}
export function knownApplications(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) || '[]')
    return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []
  } catch {
    return []
  }
}
