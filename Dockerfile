# Static build: modernc.org/sqlite is pure Go, so the binary needs no C
# library and runs on a distroless base as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" \
    -o /out/fcnotify ./cmd/fcnotify

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fcnotify /usr/local/bin/fcnotify
COPY config.example.yaml /etc/fcnotify/config.yaml
WORKDIR /home/nonroot
VOLUME /home/nonroot/data
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/fcnotify"]
CMD ["serve", "--config", "/etc/fcnotify/config.yaml"]
