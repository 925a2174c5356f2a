#!/usr/bin/python3
"""Cross-language check of the PinLater gateway with Apache Thrift's Python library.

Usage: pinlater_client_check.py HOST PORT

Generates the Python bindings from gateway/thrift/pinlater.thrift with `thrift --gen py` into a
temporary directory, then, over framed transport + binary protocol: creates a queue, checks the
QUEUE_NAME_INVALID and PRIORITY_NOT_SUPPORTED errors, enqueues, dequeues, acks, looks the job up,
and checks the empty-dequeue shape and the INTERNAL_ERROR TApplicationException. Prints one line
per check and exits 0 when every check passed, 1 on the first failure, 2 on a setup problem.
"""
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
IDL = os.path.join(REPO, 'gateway', 'thrift', 'pinlater.thrift')


def setup_error(message):
    print('SETUP ERROR: ' + message, file=sys.stderr)
    sys.exit(2)


def generate(out_dir):
    if shutil.which('thrift') is None:
        setup_error('the thrift compiler is not installed (apt-get install thrift-compiler)')
    result = subprocess.run(['thrift', '--gen', 'py', '-out', out_dir, IDL], capture_output=True, text=True)
    if result.returncode != 0:
        setup_error('thrift --gen py failed: ' + result.stderr)
    sys.path.insert(0, out_dir)


class CheckFailed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise CheckFailed(what)
    print('ok - ' + what)


def run(host, port):
    try:
        from thrift.protocol import TBinaryProtocol
        from thrift.transport import TSocket, TTransport
        from thrift.Thrift import TApplicationException
    except ImportError as error:
        setup_error('python3 thrift library missing (apt-get install python3-thrift): %s' % error)
    from thrift_libs import PinLater
    from thrift_libs.ttypes import (
        ErrorCode, PinLaterDequeueRequest, PinLaterEnqueueRequest, PinLaterException, PinLaterJob,
        PinLaterJobAckInfo, PinLaterJobAckRequest, PinLaterJobState, PinLaterLookupJobRequest, RequestContext,
    )

    socket = TSocket.TSocket(host, port)
    socket.setTimeout(15000)
    transport = TTransport.TFramedTransport(socket)
    client = PinLater.Client(TBinaryProtocol.TBinaryProtocol(transport))
    transport.open()
    try:
        ctx = RequestContext(source='python-check')
        queue = 'py_' + ''.join(random.choice(string.ascii_lowercase) for _ in range(8))

        client.createQueue(ctx, queue)
        check(queue in client.getQueueNames(ctx), 'createQueue + getQueueNames lists the queue')

        try:
            client.createQueue(ctx, 'bad-name')
            check(False, 'createQueue(bad-name) raises')
        except PinLaterException as e:
            check(e.errorCode == ErrorCode.QUEUE_NAME_INVALID and e.message == 'Invalid queue name: bad-name',
                  'createQueue(bad-name) -> QUEUE_NAME_INVALID "Invalid queue name: bad-name"')

        try:
            client.enqueueJobs(ctx, PinLaterEnqueueRequest(queueName=queue, jobs=[PinLaterJob(body=b'x', priority=9)]))
            check(False, 'priority 9 raises')
        except PinLaterException as e:
            check(e.errorCode == ErrorCode.PRIORITY_NOT_SUPPORTED and e.message == '9',
                  'enqueue priority 9 -> PRIORITY_NOT_SUPPORTED "9"')

        try:
            client.enqueueJobs(ctx, PinLaterEnqueueRequest(queueName=queue, jobs=[]))
            check(False, 'empty enqueue raises')
        except TApplicationException as e:
            check(e.type == TApplicationException.INTERNAL_ERROR, 'empty enqueue -> TApplicationException INTERNAL_ERROR')

        body = u'py body \u2713'.encode('utf-8')
        response = client.enqueueJobs(ctx, PinLaterEnqueueRequest(
            queueName=queue, jobs=[PinLaterJob(body=body, numAttemptsAllowed=3, customStatus='from-python')]))
        check(len(response.jobDescriptors) == 1 and response.jobDescriptors[0].startswith(queue + ':s'),
              'enqueueJobs returns one descriptor <queue>:s...')
        descriptor = response.jobDescriptors[0]

        dequeued = client.dequeueJobs(ctx, PinLaterDequeueRequest(queueName=queue, limit=5))
        check(dequeued.jobs == {descriptor: body}, 'dequeueJobs returns the job and its body')
        meta = dequeued.jobMetadata[descriptor]
        check((meta.attemptsAllowed, meta.attemptsRemaining) == (3, 3), 'dequeue metadata attempts 3/3')

        empty = client.dequeueJobs(ctx, PinLaterDequeueRequest(queueName=queue, limit=5))
        check(empty.jobs is None and empty.jobMetadata is None, 'empty dequeue has both maps absent')

        info = client.lookupJobs(ctx, PinLaterLookupJobRequest(jobDescriptors=[descriptor], includeBody=True))[descriptor]
        check(info.jobState == PinLaterJobState.IN_PROGRESS and 'python-check' in (info.claimDescriptor or ''),
              'lookup shows IN_PROGRESS with a claim naming the source')

        client.ackDequeuedJobs(ctx, PinLaterJobAckRequest(
            queueName=queue, jobsSucceeded=[PinLaterJobAckInfo(jobDescriptor=descriptor, appendCustomStatus='done')]))
        info = client.lookupJobs(ctx, PinLaterLookupJobRequest(jobDescriptors=[descriptor], includeBody=True))[descriptor]
        check(info.jobState == PinLaterJobState.SUCCEEDED and info.body == body and info.attemptsAllowed == 3,
              'after ack: SUCCEEDED, body and attempts kept')

        try:
            client.lookupJobs(ctx, PinLaterLookupJobRequest(jobDescriptors=['garbage']))
            check(False, 'malformed lookup raises')
        except PinLaterException as e:
            check(e.errorCode == ErrorCode.UNKNOWN, 'malformed descriptor lookup -> UNKNOWN')

        try:
            client.dequeueJobs(ctx, PinLaterDequeueRequest(queueName=queue, limit=0))
            check(False, 'limit 0 raises')
        except TApplicationException as e:
            check(e.type == TApplicationException.INTERNAL_ERROR, 'dequeue limit 0 -> TApplicationException INTERNAL_ERROR')

        check(queue in client.getQueueNames(ctx), 'connection still usable after errors')
    finally:
        transport.close()


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    out_dir = tempfile.mkdtemp(prefix='pinlater-py-')
    try:
        generate(out_dir)
        run(sys.argv[1], int(sys.argv[2]))
    except CheckFailed as failure:
        print('FAILED - ' + str(failure), file=sys.stderr)
        sys.exit(1)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    print('all checks passed')


if __name__ == '__main__':
    main()
