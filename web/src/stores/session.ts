// Who is signed in. The token lives in sessionStorage (this tab only: a shared
// computer in a service hall forgets it when the tab closes).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, setToken, unwrap, whenUnauthenticated, type Schemas } from '@/api/client'

type Account = Schemas['Account']
const KEY = 'skillcert.token'

export const useSession = defineStore('session', () => {
  const token = ref<string | null>(sessionStorage.getItem(KEY))
  const account = ref<Account | null>(null)
  setToken(token.value)

  const signedIn = computed(() => token.value !== null)
  const role = computed(() => account.value?.role ?? null)

  function keep(value: string | null) {
    token.value = value
    setToken(value)
    if (value) sessionStorage.setItem(KEY, value)
    else sessionStorage.removeItem(KEY)
  }

  async function login(username: string, password: string) {
    const out = await unwrap(api.POST('/auth/token', { body: { username, password } }))
    keep(out.access_token)
    await refresh()
    return out
  }

  // a token the gateway gave with another answer (sign-up signs in at once)
  async function adopt(value: string) {
    keep(value)
    return refresh()
  }

  async function refresh() {
    if (!token.value) {
      account.value = null
      return null
    }
    account.value = await unwrap(api.GET('/accounts/me'))
    return account.value
  }

  async function logout() {
    try {
      if (token.value) await unwrap(api.POST('/auth/logout'))
    } finally {
      keep(null)
      account.value = null
    }
  }

  function forget() {
    keep(null)
    account.value = null
  }

  whenUnauthenticated(forget)
  return { token, account, signedIn, role, login, adopt, refresh, logout, forget }
})
