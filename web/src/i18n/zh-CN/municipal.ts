// 市州职鉴中心's console: the assessor applications of its region and its places.
export default {
  menu: { assessors: '考评员审核' },
  title: '考评员培训申报审核',
  places: '本期参培名额',
  placesUsed: '已用 {used} / {places} 个（已减少）',
  noCut: '未减少（已同意 {used} 人）',
  ineligible: '审核通过后被认定不符合条件',
  provincialDeadline: '省级复核截止',
  placesRule: '因审核不细致、把关不严出现批量（{n}人及以上）不符合申报条件人员的市（州），省职鉴中心将减少参培人员名额（A7）。',
  dueForCut: '本期已出现批量不符合申报条件的人员，省职鉴中心可减少本中心的参培人员名额。',
  event: '记录',
  note: '说明',
  at: '时间',
  kind: { ineligible_passed: '审核通过但省级认定不符合条件' },
  applications: '本地区申报人员',
}
