# One image for every project process; the command picks the role:
#   cluster/node/main.ts --id node1 | cluster/gateway/main.ts | reports/dashboard/main.ts | chaos/proxy/cli.ts ...
# BASE_IMAGE: the public node image where a registry answers; `just images` passes a locally
# made base (the host's node + busybox, cluster/containers/base-image.ts) where none does.
# node_modules come from the host (`npm ci` first): the offline base has no npm.
ARG BASE_IMAGE=node:20-bookworm-slim
FROM ${BASE_IMAGE}
WORKDIR /app
RUN mkdir -p /data && chown 1000:1000 /data
COPY package.json package-lock.json tsconfig.json ./
COPY node_modules ./node_modules
COPY cluster ./cluster
COPY chaos ./chaos
COPY bench ./bench
COPY reports ./reports
COPY monitoring ./monitoring
ENV RAFT_CONFIG=/app/cluster/containers/cluster.container.json \
    RAFT_DATA_DIR=/data \
    NODE_ENV=production
USER 1000:1000
# --max-semi-space-size=4: the same V8 flag the local processes run with (cluster-processes.ts).
ENTRYPOINT ["node", "--max-semi-space-size=4", "--import", "tsx"]
CMD ["cluster/node/main.ts"]
