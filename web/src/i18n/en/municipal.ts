// The municipal center's console (English second).
export default {
  menu: { assessors: 'Assessor applications' },
  title: 'Assessor training applications',
  places: 'Places this period',
  placesUsed: '{used} of {places} used (cut)',
  noCut: 'Not cut ({used} approved)',
  ineligible: 'Approved, then found ineligible',
  provincialDeadline: 'Provincial review closes',
  placesRule: 'A municipal center whose careless review lets through a batch ({n} or more) of ineligible applicants gets fewer training places (A7).',
  dueForCut: 'This period holds a batch of ineligible applicants let through: the provincial center may cut this center\'s places.',
  event: 'Record',
  note: 'Note',
  at: 'At',
  kind: { ineligible_passed: 'Approved here, found ineligible by the province' },
  applications: 'Applications of the region',
}
