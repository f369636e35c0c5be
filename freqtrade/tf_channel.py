# Runs FreqTrade in a container without a network: relays its REST API (127.0.0.1:TF_API_PORT, inside the container's
# own loopback) to the Unix socket TF_API_SOCKET the platform connects to, and ccxt's proxy port (127.0.0.1:3128) to the
# platform's egress socket, then starts FreqTrade with the container's arguments.
import os
import socket
import sys
import threading

SOCKET_DIR = '/run/tf'
EGRESS_SOCKET = os.path.join(SOCKET_DIR, 'egress.sock')
EGRESS_PORT = 3128


def pipe(src, dst):
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
    except OSError:
        pass
    finally:
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(listener, connect):
    def handle(client):
        try:
            upstream = connect()
        except OSError:
            client.close()
            return
        back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        back.start()
        pipe(client, upstream)
        back.join()
        client.close()
        upstream.close()

    while True:
        client, _ = listener.accept()
        threading.Thread(target=handle, args=(client,), daemon=True).start()


def unix_listener(path):
    if os.path.exists(path):
        os.unlink(path)  # left by the container's previous run
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o666)  # the directory (0700, the bot user's) is what keeps others out
    listener.listen(64)
    return listener


def tcp_listener(port):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', port))
    listener.listen(64)
    return listener


def unix_connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def main():
    api_socket = os.path.join(SOCKET_DIR, os.environ['TF_API_SOCKET'])
    api_port = int(os.environ['TF_API_PORT'])
    relays = [
        (unix_listener(api_socket), lambda: socket.create_connection(('127.0.0.1', api_port))),
        (tcp_listener(EGRESS_PORT), lambda: unix_connect(EGRESS_SOCKET)),
    ]
    for listener, connect in relays:
        threading.Thread(target=serve, args=(listener, connect), daemon=True).start()
    from freqtrade.main import main as freqtrade_main
    freqtrade_main(sys.argv[1:])


if __name__ == '__main__':
    main()
