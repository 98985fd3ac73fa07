"""The SkillCert kernel: what every service needs, written once.

See docs/architecture.md for how the pieces fit together.
"""
