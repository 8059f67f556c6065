# Prometheus from Debian's binary (it needs only libc), on the locally made base: the stand-in
# for prom/prometheus where no registry answers. Same entrypoint and flags as the public image.
ARG BASE_IMAGE=raft-chaos-base:offline
FROM ${BASE_IMAGE}
COPY prometheus /bin/prometheus
RUN mkdir -p /prometheus /etc/prometheus && chown 65534:65534 /prometheus
USER 65534:65534
WORKDIR /prometheus
ENTRYPOINT ["/bin/prometheus"]
