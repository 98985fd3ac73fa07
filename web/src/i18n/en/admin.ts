export default {
  menu: { accounts: 'Accounts', batches: 'Batch calendar', calendar: 'Working days' },
  roles: {
    institution_operator: 'Institution operator', reviewer: 'Reviewer', finance: 'Finance', exam_admin: 'Exam administration',
    certificate_officer: 'Certificate office', municipal_center: 'Municipal center', provincial_center: 'Provincial administrator', candidate: 'Candidate',
  },
  accounts: {
    title: 'Accounts and roles', intro: 'Accounts for the center’s staff, institutions and municipal centers; a disabled account stops working at once.',
    role: 'Role', allStaff: 'All (no candidates)', q: 'User name or name', active: 'Status', activeYes: 'Active', activeNo: 'Disabled',
    search: 'Search', reset: 'Clear filters', total: '{n} accounts', empty: 'No account matches',
    cols: { username: 'User name', name: 'Name', role: 'Role', scope: 'Institution/region', created: 'Opened', status: 'Status', actions: 'Actions' },
    create: 'New account', createTitle: 'New account', username: 'User name', usernameHint: "3-64 letters, digits or _ . {'@'} -", name: 'Name or unit',
    password: 'First password', passwordHint: 'At least 8 characters with a letter and a digit', institution: 'Institution', region: 'Region code', regionHint: 'e.g. 510600',
    created: 'Account {username} opened', disable: 'Disable', disableConfirm: 'Disable {username}? It is signed out at once.', disabled: 'Account {username} disabled',
  },
  batches: {
    title: 'Batch calendar', intro: 'Every batch’s windows and exam date. Batches are scheduled by exam administration.', year: 'Year', legend: 'Legend',
    windows: { registration: 'Registration', review: 'Review', payment: 'Payment', ticket: 'Tickets', exam: 'Exam date' },
    cols: { code: 'Batch', registration: 'Registration', review: 'Review', payment: 'Payment', ticket: 'Tickets', exam: 'Exam date', status: 'Status' },
    status: { scheduled: 'Scheduled', open: 'Open', held: 'Held', cancelled: 'Cancelled' }, more: '+{n} more', empty: 'No batch in this year', today: 'Today',
  },
  calendar: {
    title: 'Working-day calendar', intro: 'Deadlines count working days. Load the State Council’s holiday notice of a year here once it is published.',
    years: 'Years', cols: { year: 'Year', source: 'Source', notice: 'Notice', holidays: 'Days off', workdays: 'Make-up working days', loaded: 'Loaded by/at' },
    sources: { loaded: 'Loaded notice', file: 'File', chinesecalendar: 'Built in' },
    load: 'Load a year’s holidays', year: 'Year', notice: 'Notice', noticeHint: 'The notice’s title',
    holidays: 'Days off', holidaysHint: 'One date or range a line: 2027-01-01 or 2027-02-05~2027-02-11', workdays: 'Make-up working days', workdaysHint: 'Weekend days worked, one a line',
    submit: 'Load', loaded: 'The holidays of {year} are loaded', badDate: 'Item {n}', pending: 'These years have no calendar yet:',
    problems: { notDate: 'not a date (YYYY-MM-DD)', notInYear: 'not in {year}', notWeekend: 'a make-up working day is a Saturday or Sunday', twice: 'listed twice', both: 'in both lists', tooMany: 'too many dates' },
  },
  clock: {
    title: 'Rehearsal clock', intro: 'In a rehearsal the suite’s date can be moved to any day; not shown in production.',
    today: 'Today', rehearsalDate: 'Rehearsal date', set: 'Move to that day', clear: 'Back to the real date', moved: 'The date is now {day}', cleared: 'Back to the real date',
  },
}
