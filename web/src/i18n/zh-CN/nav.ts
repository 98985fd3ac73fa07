export default {
  tickets: '准考证下载',
  results: '成绩查询',
  certificateCheck: '证书查询',
  cardCheck: '考评员证卡查询',
  history: '报名历史',
  myCertificates: '我的证书',
}
