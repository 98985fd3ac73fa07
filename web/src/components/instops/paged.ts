// A console table paged, sorted and filtered ON THE SERVER: the page, size,
// sort ('-' first: descending) and the filters go to the gateway, which answers
// one page {items, total, page, size}; el-table's sort-change and
// el-pagination only change the query.
import { reactive, ref } from 'vue'
import { useApiErrors } from '@/composables/useApiErrors'

export type Page<T> = { items: T[]; total: number; page: number; size: number }
export type PageQuery = { page: number; size: number; sort: string; q: string }

export function usePaged<T>(fetch: (query: PageQuery) => Promise<Page<T>>, sort: string, size = 20) {
  const query = reactive<PageQuery>({ page: 1, size, sort, q: '' })
  const rows = ref<T[]>([]) as { value: T[] }
  const total = ref(0)
  const loading = ref(false)
  const errors = useApiErrors()

  async function load() {
    loading.value = true
    const out = await errors.run(() => fetch({ ...query }), [])
    loading.value = false
    if (out) {
      rows.value = out.items
      total.value = out.total
    }
  }
  /** el-table @sort-change: {prop, order: 'ascending' | 'descending' | null} */
  function onSort({ prop, order }: { prop: string | null; order: string | null }) {
    query.sort = order && prop ? (order === 'descending' ? '-' : '') + prop : sort
    query.page = 1
    load()
  }
  function search() {
    query.page = 1
    load()
  }
  function onPage(page: number) {
    query.page = page
    load()
  }
  function onSize(n: number) {
    query.size = n
    query.page = 1
    load()
  }
  return { query, rows, total, loading, errors, load, onSort, search, onPage, onSize }
}

/** The query without empty values, as text (for openapi-fetch's query). */
export function params(values: Record<string, unknown>) {
  const out: Record<string, string | number> = {}
  for (const [k, v] of Object.entries(values)) if (v !== '' && v != null) out[k] = v as string | number
  return out
}

export const yuan = (fen?: number | null) => (fen == null ? '' : (fen / 100).toFixed(2))
export const cnDate = (iso?: string | null) => {
  if (!iso) return ''
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number)
  return `${y}年${m}月${d}日`
}
export const shortDate = (iso?: string | null) => {
  if (!iso) return ''
  const [, m, d] = iso.slice(0, 10).split('-').map(Number)
  return `${m}/${d}`
}
export const dateTime = (iso?: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '')
