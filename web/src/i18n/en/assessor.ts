export default {
  apply: { title: 'Assessor and supervisor training: application' },
  mine: { title: 'My assessor application' },
}
