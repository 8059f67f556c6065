# The project's Toxiproxy-compatible server (chaos/proxy) as a stand-in for Shopify's image where
# no registry answers: the same flags (-host, -port, -config) and API on 8474.
ARG PROJECT_IMAGE=raft-chaos:local
FROM ${PROJECT_IMAGE}
EXPOSE 8474
ENTRYPOINT ["node", "--import", "tsx", "/app/chaos/proxy/cli.ts"]
CMD ["-host=0.0.0.0"]
