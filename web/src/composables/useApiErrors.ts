// Errors of one form: the API's answer split by field, in the user's language,
// for <FieldItem prop="person.id_number" :errors="errors"> beside each field;
// what names no field (or a field the form does not show) is `general`.
import { reactive, ref } from 'vue'
import { describe, fieldMessage } from '@/i18n/errors'
import { ApiError } from '@/api/client'

export type FieldErrors = {
  byField: Record<string, { message: string; rule: string | null }>
  general: { message: string; rule: string | null; code?: string } | null
  of: (field: string) => { message: string; rule: string | null } | undefined
  set: (error: unknown, shownFields?: string[]) => void
  clear: () => void
  run: <T>(fn: () => Promise<T>, shownFields?: string[]) => Promise<T | undefined>
}

export function useApiErrors(): FieldErrors {
  const state = reactive({
    byField: {} as Record<string, { message: string; rule: string | null }>,
    general: null as { message: string; rule: string | null; code?: string } | null,
  })
  const busy = ref(false)

  function clear() {
    for (const k of Object.keys(state.byField)) delete state.byField[k]
    state.general = null
  }

  function set(error: unknown, shownFields?: string[]) {
    clear()
    const d = describe(error)
    const shown = (f: string) => !shownFields || shownFields.includes(f)
    if (error instanceof ApiError) {
      const fields = error.fieldErrors
      const named = error.field
      for (const [field, texts] of Object.entries(fields)) {
        if (field === '_schema' || !shown(field)) continue
        state.byField[field] = { message: texts.map(fieldMessage).join('；'), rule: null }
      }
      if (named && shown(named)) {
        state.byField[named] = { message: d.message, rule: d.rule }
        return
      }
      if (Object.keys(state.byField).length && !named) return
    }
    state.general = { message: d.message, rule: d.rule, code: d.code }
  }

  async function run<T>(fn: () => Promise<T>, shownFields?: string[]) {
    busy.value = true
    clear()
    try {
      return await fn()
    } catch (error) {
      // beside its field, or in the form's ErrorBanner: never a toast on top
      set(error, shownFields)
      return undefined
    } finally {
      busy.value = false
    }
  }

  return Object.assign(state, {
    of: (field: string) => state.byField[field],
    set,
    clear,
    run,
    busy,
  }) as FieldErrors & { busy: typeof busy }
}
