"""moto's S3 server on 127.0.0.1, answering one request at a time.

moto checks a conditional write's precondition and then writes, without a lock between the two, so two
concurrent `If-Match` PUTs can both pass; S3 itself makes them atomic. Serving one request at a time
gives the tests S3's guarantee, which the compare-and-swap tests depend on.
Usage: python3 moto_serial.py PORT
"""
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

app = DomainDispatcherApplication(create_backend_app)
one_at_a_time = threading.Lock()


def serialized(environ, start_response):
    with one_at_a_time:
        # The whole answer is produced under the lock, so no two requests interleave.
        return list(app(environ, start_response))


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), serialized, threaded=True)
