// The projects' Chinese names by code (GET /api/projects, all years), loaded once.
import { ref } from 'vue'
import { api, unwrap } from '@/api/client'
import type { Project } from './model'

const names = ref<Record<string, string>>({})
let loading: Promise<void> | null = null

export function useProjectNames() {
  if (!loading)
    loading = (unwrap(api.GET('/projects', {} as never)) as Promise<Project[]>)
      .then((list) => {
        names.value = Object.fromEntries(list.map((p) => [p.code, p.name_zh]))
      })
      .catch(() => {
        loading = null
      })
  return names
}
