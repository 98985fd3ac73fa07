"""What supervisord runs for a replica (deploy/supervisor_suite.py writes it into the
``command`` of each ``[program]``):

    python -m deploy.supervisor_child /path/to/nameko run --config ... exam.service:ExamService

asks Linux to send this process SIGTERM when its parent (supervisord) dies
(``prctl(PR_SET_PDEATHSIG)``), then becomes the command (``execv``: the same pid,
so supervisord signals and reaps the replica itself). A replica therefore never
outlives its supervisord, not even a SIGKILLed one; supervisord in turn gets SIGTERM
when the launcher dies (deploy/launch.py). Elsewhere than Linux the command simply
runs.
"""
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent():
    """Ask for SIGTERM when the parent dies; False when the parent is gone already."""
    parent = os.getppid()
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return True
    return os.getppid() == parent          # it died between getppid() and prctl()


def main(argv):
    if not argv:
        sys.exit("usage: python -m deploy.supervisor_child COMMAND [ARGS...]")
    if not die_with_parent():
        sys.exit("supervisor_child: the parent is gone; not starting " + argv[0])
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
