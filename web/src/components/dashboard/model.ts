// 数据看板's figures (GET /api/dashboard) and what the charts make of them.
import { api, unwrap, type Schemas } from '@/api/client'

export type Dashboard = Schemas['Dashboard']
export type StageRow = Schemas['StageRow']
export const STAGES = ['registered', 'approved', 'paid', 'seated', 'present', 'passed', 'certified'] as const

export function fetchDashboard(batch: string | null) {
  return unwrap(api.GET('/dashboard', { params: { query: batch ? { batch_code: batch } : {} } })) as Promise<Dashboard>
}

/** Per project, summed over the batches shown: one row for each project. */
export function byProject(rows: StageRow[]): StageRow[] {
  const out: Record<string, StageRow> = {}
  for (const r of rows) {
    const p = (out[r.project_code] ??= { batch_code: '', project_code: r.project_code, registered: 0, approved: 0, paid: 0, seated: 0, present: 0, passed: 0, failed: 0, certified: 0 })
    for (const s of [...STAGES, 'failed'] as const) p[s] += r[s]
  }
  return Object.values(out).sort((a, b) => b.registered - a.registered || a.project_code.localeCompare(b.project_code))
}
