#!/usr/bin/python3
"""A minimal CRI (runtime.v1) client for the end-to-end tests.

Needs only Debian's python3-grpcio and python3-protobuf. The runtime.v1 API
is not shipped as a .proto file on these machines, but containerd carries
its file descriptor (a gzipped, serialized FileDescriptorProto registered by
the generated Go code); it is extracted from the containerd binary at run
time and turned into message classes with protobuf's descriptor pool.

Usage:
  cri_client.py [options] RPC [JSON | -]
      Call RuntimeService/RPC or ImageService/RPC (e.g. RunPodSandbox) with
      the request given as JSON (argument, or "-" for stdin; default {}).
      Prints the response as JSON (proto field names, defaults included).
  cri_client.py [options] exec [--timeout S] CONTAINER_ID CMD [ARG...]
      ExecSync: writes the command's stdout and stderr, exits with its
      exit code.
  cri_client.py [options] up JSON
      RunPodSandbox, then (if given) CreateContainer + StartContainer, in
      one go. JSON: {"pod": RunPodSandboxRequest, "container":
      ContainerConfig}; the container gets the pod's config as its
      sandbox_config. Prints {"pod_sandbox_id": ..., "container_id": ...}.
  cri_client.py [options] ready [--wait S]
      Exit 0 once the runtime reports RuntimeReady and NetworkReady.
  cri_client.py [options] cleanup
      Stop and remove every container and pod sandbox.
  cri_client.py [options] methods
      List the RPC names.

Options:
  --address PATH       CRI socket (env CRI_ADDRESS,
                       default /run/containerd/containerd.sock)
  --containerd PATH    binary holding the API descriptor (env
                       CRI_CONTAINERD_BINARY, default: containerd on PATH)
  --descriptor-cache F keep the extracted descriptor in F (env
                       CRI_DESCRIPTOR_CACHE)
  --timeout S          per-call deadline in seconds (default 60)

gRPC failures print "error: RPC: CODE: details" on stderr and exit 1.
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import zlib

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format

try:  # protobuf >= 4.22
    from google.protobuf.message_factory import GetMessageClass as _get_class
except ImportError:  # Debian 12 ships 3.21 / 4.21
    _get_class = None
    from google.protobuf import message_factory

API_PACKAGE = "runtime.v1"
GZIP_MAGIC = b"\x1f\x8b\x08"


class Failure(Exception):
    """An error to report on stderr (exit status 1)."""


def _first_string_field(head):
    """Field 1 (the file name) of a serialized FileDescriptorProto, or None."""
    if len(head) < 2 or head[0] != 0x0A:
        return None
    length, shift, pos = 0, 0, 1
    while pos < len(head):
        byte = head[pos]
        length |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            break
        shift += 7
    if length > 200 or pos + length > len(head):
        return None
    return head[pos:pos + length].decode("utf-8", "replace")


def _gunzip(data, pos, limit):
    """Decompress the gzip member at data[pos:], at most `limit` bytes out."""
    dec = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return dec.decompress(data[pos:pos + (4 << 20)], limit)


def extract_api_descriptor(binary):
    """Find runtime.v1's FileDescriptorProto among the gzip streams in binary."""
    with open(binary, "rb") as f:
        data = f.read()
    pos = 0
    while True:
        pos = data.find(GZIP_MAGIC, pos)
        if pos < 0:
            break
        try:
            head = _gunzip(data, pos, 64)
            name = _first_string_field(head)
            if name and name.endswith("api.proto"):
                raw = _gunzip(data, pos, 0)
                fdp = descriptor_pb2.FileDescriptorProto.FromString(raw)
                if fdp.package == API_PACKAGE:
                    return fdp
        except Exception:  # pylint: disable=broad-except
            pass  # not a gzip stream, or not a descriptor: keep looking
        pos += len(GZIP_MAGIC)
    raise Failure("no %s API descriptor found in %s" % (API_PACKAGE, binary))


def load_api_descriptor(binary, cache):
    if cache and os.path.exists(cache):
        with open(cache, "rb") as f:
            return descriptor_pb2.FileDescriptorProto.FromString(f.read())
    fdp = extract_api_descriptor(binary)
    if cache:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(cache)))
        with os.fdopen(fd, "wb") as f:
            f.write(fdp.SerializeToString())
        os.replace(tmp, cache)
    return fdp


def build_pool(fdp):
    """A descriptor pool holding the API; gogoproto imports and options are
    dropped (they only steer Go code generation)."""
    pool = descriptor_pool.DescriptorPool()
    default = descriptor_pool.Default()
    keep = []
    for dep in fdp.dependency:
        if "gogo" in dep:
            continue
        try:
            dep_fd = default.FindFileByName(dep)
        except KeyError as exc:
            raise Failure("API descriptor needs %s, which is not available" % dep) from exc
        dep_proto = descriptor_pb2.FileDescriptorProto()
        dep_fd.CopyToProto(dep_proto)
        pool.Add(dep_proto)
        keep.append(dep)
    del fdp.dependency[:]
    fdp.dependency.extend(keep)
    del fdp.public_dependency[:]
    del fdp.weak_dependency[:]
    fdp.DiscardUnknownFields()
    pool.Add(fdp)
    return pool, pool.FindFileByName(fdp.name)


def message_class(pool, desc):
    if _get_class is not None:
        return _get_class(desc)
    return message_factory.MessageFactory(pool).GetPrototype(desc)


class Client:
    def __init__(self, address, binary, cache, timeout):
        fdp = load_api_descriptor(binary, cache)
        self.pool, fdesc = build_pool(fdp)
        self.methods = {}
        for service in fdesc.services_by_name.values():
            for method in service.methods:
                self.methods[method.name] = (
                    "/%s/%s" % (service.full_name, method.name),
                    message_class(self.pool, method.input_type),
                    message_class(self.pool, method.output_type),
                )
        target = address if "://" in address or address.startswith("unix:") else "unix:" + address
        self.channel = grpc.insecure_channel(target, options=[("grpc.enable_http_proxy", 0)])
        self.timeout = timeout

    def call(self, name, request=None):
        """Call RPC `name` with `request` (a dict, JSON text or None)."""
        if name not in self.methods:
            raise Failure("unknown RPC %r (see `methods`)" % name)
        path, req_cls, resp_cls = self.methods[name]
        req = req_cls()
        if isinstance(request, dict):
            json_format.ParseDict(request, req)
        elif request:
            json_format.Parse(request, req)
        stub = self.channel.unary_unary(
            path,
            request_serializer=req_cls.SerializeToString,
            response_deserializer=resp_cls.FromString,
        )
        try:
            return stub(req, timeout=self.timeout)
        except grpc.RpcError as exc:
            code = exc.code().name if exc.code() else "UNKNOWN"
            raise Failure("%s: %s: %s" % (name, code, exc.details())) from exc


def to_json(msg):
    return json_format.MessageToJson(
        msg,
        preserving_proto_field_name=True,
        including_default_value_fields=True,
        indent=1,
    )


def cmd_exec(client, argv):
    parser = argparse.ArgumentParser(prog="cri_client.py exec")
    parser.add_argument("--timeout", type=int, default=30)
    parser.add_argument("container_id")
    parser.add_argument("cmd", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        raise Failure("exec: no command")
    resp = client.call("ExecSync", {
        "container_id": args.container_id, "cmd": cmd, "timeout": args.timeout})
    sys.stdout.buffer.write(resp.stdout)
    sys.stdout.flush()
    sys.stderr.buffer.write(resp.stderr)
    sys.stderr.flush()
    return resp.exit_code


def cmd_up(client, argv):
    if len(argv) != 1:
        raise Failure("up: expected one JSON argument")
    spec = json.loads(sys.stdin.read() if argv[0] == "-" else argv[0])
    if "pod" not in spec:
        raise Failure("up: JSON needs a \"pod\" request")
    pod_id = client.call("RunPodSandbox", spec["pod"]).pod_sandbox_id
    result = {"pod_sandbox_id": pod_id}
    if spec.get("container"):
        ctr_id = client.call("CreateContainer", {
            "pod_sandbox_id": pod_id,
            "config": spec["container"],
            "sandbox_config": spec["pod"].get("config", {}),
        }).container_id
        result["container_id"] = ctr_id
        client.call("StartContainer", {"container_id": ctr_id})
    print(json.dumps(result))
    return 0


def cmd_ready(client, argv):
    parser = argparse.ArgumentParser(prog="cri_client.py ready")
    parser.add_argument("--wait", type=float, default=0)
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.wait
    last = "no answer"
    while True:
        try:
            resp = client.call("Status", {})
            conds = {c.type: c for c in resp.status.conditions}
            if all(t in conds and conds[t].status for t in ("RuntimeReady", "NetworkReady")):
                return 0
            last = "; ".join("%s=%s %s %s" % (c.type, c.status, c.reason, c.message)
                             for c in resp.status.conditions)
        except Failure as exc:
            last = str(exc)
        if time.monotonic() >= deadline:
            print("not ready: %s" % last, file=sys.stderr)
            return 1
        time.sleep(0.2)


def cmd_cleanup(client, argv):
    if argv:
        raise Failure("cleanup takes no arguments")
    problems = 0
    for ctr in client.call("ListContainers", {}).containers:
        for rpc, req in (("StopContainer", {"container_id": ctr.id, "timeout": 0}),
                         ("RemoveContainer", {"container_id": ctr.id})):
            try:
                client.call(rpc, req)
            except Failure as exc:
                print("cleanup: %s" % exc, file=sys.stderr)
                problems += 1
    for pod in client.call("ListPodSandbox", {}).items:
        for rpc in ("StopPodSandbox", "RemovePodSandbox"):
            try:
                client.call(rpc, {"pod_sandbox_id": pod.id})
            except Failure as exc:
                print("cleanup: %s" % exc, file=sys.stderr)
                problems += 1
    return 1 if problems else 0


def main(argv):
    parser = argparse.ArgumentParser(
        description="Minimal CRI runtime.v1 client",
        usage="%(prog)s [options] {RPC [JSON|-] | exec | up | ready | cleanup | methods} ...")
    parser.add_argument("--address", default=os.environ.get(
        "CRI_ADDRESS", "/run/containerd/containerd.sock"))
    parser.add_argument("--containerd", default=os.environ.get(
        "CRI_CONTAINERD_BINARY") or shutil.which("containerd") or "/usr/bin/containerd")
    parser.add_argument("--descriptor-cache", default=os.environ.get("CRI_DESCRIPTOR_CACHE"))
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("command")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    opts = parser.parse_args(argv)

    try:
        client = Client(opts.address, opts.containerd, opts.descriptor_cache, opts.timeout)
        if opts.command == "exec":
            return cmd_exec(client, opts.args)
        if opts.command == "up":
            return cmd_up(client, opts.args)
        if opts.command == "ready":
            return cmd_ready(client, opts.args)
        if opts.command == "cleanup":
            return cmd_cleanup(client, opts.args)
        if opts.command == "methods":
            print("\n".join(sorted(client.methods)))
            return 0
        if len(opts.args) > 1:
            raise Failure("%s: expected one JSON argument" % opts.command)
        request = opts.args[0] if opts.args else "{}"
        if request == "-":
            request = sys.stdin.read()
        try:
            json.loads(request)
        except ValueError as exc:
            raise Failure("%s: request is not JSON: %s" % (opts.command, exc)) from exc
        print(to_json(client.call(opts.command, request)))
        return 0
    except Failure as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    except (json_format.ParseError, ValueError) as exc:
        print("error: bad request: %s" % exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
