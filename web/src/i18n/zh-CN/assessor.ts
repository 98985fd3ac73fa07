// 考评员督导员培训取证报名 (the page texts are the notice's words, in the views)
export default {
  apply: { title: '考评员督导员培训取证报名' },
  mine: { title: '我的考评员报名' },
}
