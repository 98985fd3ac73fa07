export default {
  tickets: 'Admission tickets',
  results: 'Results',
  certificateCheck: 'Check a certificate',
  cardCheck: 'Check an assessor card',
  history: 'My applications',
  myCertificates: 'My certificates',
}
