# runbooks/pl.sh — `source runbooks/pl.sh` (from the repository root) defines `pl`: one PinLater
# Thrift call from a shell, for the calls no operator command makes (runbooks/README.md, "The pl
# helper"). It needs Debian's python3-thrift (scripts/services.sh start installs it) and generates
# the Python bindings of gateway/thrift/pinlater.thrift into .run/py-gen on first use.
#
#   pl PORT 'EXPR'   EXPR is Python with `c` (the client), `ctx` (a RequestContext) and every IDL
#                    type in scope; prints its value. Exit 3 = PinLaterException,
#                    4 = TApplicationException, 1 = anything else (connection refused, bad EXPR).
#   PL_HOST (default 127.0.0.1) and PL_SOURCE (RequestContext.source, default oncall) override.
#
#   pl 9010 'c.getQueueNames(ctx)'
pl() {
  if [[ $# -ne 2 ]]; then
    echo "usage: pl PORT 'EXPR'   (runbooks/pl.sh)" >&2
    return 64
  fi
  if [[ ! -f .run/py-gen/thrift_libs/PinLater.py ]]; then
    mkdir -p .run/py-gen && thrift --gen py -out .run/py-gen gateway/thrift/pinlater.thrift || return 1
  fi
  PL_PORT="$1" PL_EXPR="$2" /usr/bin/python3 - <<'EOF'
import os, sys
sys.path.insert(0, '.run/py-gen')
from thrift.protocol import TBinaryProtocol
from thrift.transport import TSocket, TTransport
from thrift.Thrift import TApplicationException
from thrift_libs import PinLater
from thrift_libs.ttypes import *
t = TTransport.TFramedTransport(TSocket.TSocket(os.environ.get('PL_HOST', '127.0.0.1'), int(os.environ['PL_PORT'])))
c = PinLater.Client(TBinaryProtocol.TBinaryProtocol(t))
t.open()
ctx = RequestContext(source=os.environ.get('PL_SOURCE', 'oncall'))
try:
    print(eval(os.environ['PL_EXPR']))
except PinLaterException as e:
    print('PinLaterException %s (%d): %s' % (ErrorCode._VALUES_TO_NAMES.get(e.errorCode, '?'), e.errorCode, e.message))
    sys.exit(3)
except TApplicationException as e:
    print('TApplicationException type=%d: %s' % (e.type, e.message))
    sys.exit(4)
finally:
    t.close()
EOF
}
