# gdb -p PID -batch -x hold.py: hold a capturing impwatch for $HOLD_S
# seconds (default 0.4) just after the first read of the kernel's ring in its drain
# (drain_live(), main.c), as a loaded machine may take the CPU from it
# there. With $HOLD_SEND, that shell command runs first, as the drain
# begins, before it notes the time of the stop: what it sends is in the
# kernel's ring at the stop, in the block being filled. The output says
# what happened, for the live suite to check:
#   impwatch-hold: ready              attached, waiting for the drain
#   impwatch-hold: held after N       N frames came from that read
# Signals go on to impwatch as if no debugger were there.
import os
import subprocess
import time

import gdb

HOLD_S = float(os.environ.get("HOLD_S") or 0.4)


def say(text):
    print("impwatch-hold: " + text, flush=True)


# The value an int function just returned, where the ABI puts it;
# None on a machine this does not know.
def returned():
    regs = {"i386:x86-64": "$eax", "aarch64": "$w0"}
    reg = regs.get(gdb.selected_frame().architecture().name())
    return None if reg is None else int(gdb.parse_and_eval(reg))


gdb.execute("set pagination off")
gdb.execute("set confirm off")
for sig in ("SIGTERM", "SIGINT", "SIGHUP", "SIGCONT", "SIGPIPE"):
    gdb.execute("handle %s nostop noprint pass" % sig)
drain = gdb.Breakpoint("drain_live")
read = gdb.Breakpoint("pcap_dispatch")
read.enabled = False
say("ready")
while gdb.selected_inferior().pid:
    try:
        gdb.execute("continue", to_string=True)
    except gdb.error:
        break
    if not gdb.selected_inferior().pid:
        break
    if drain.enabled and drain.hit_count:
        drain.enabled = False
        if os.environ.get("HOLD_SEND"):
            subprocess.run(os.environ["HOLD_SEND"], shell=True, timeout=20,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        read.enabled = True
    elif read.enabled and read.hit_count:
        read.enabled = False
        gdb.execute("finish", to_string=True)
        n = returned()
        time.sleep(HOLD_S)
        say("held after %s" % ("?" if n is None else n))
        # impwatch ends untraced: a leak checker cannot work under a
        # debugger, and fails the run.
        gdb.execute("detach", to_string=True)
        break
