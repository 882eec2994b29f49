package dev.brainscan.lambda;

import java.net.URI;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same S3 flow against LocalStack through Testcontainers. Skipped where no Docker engine
 * runs (as on the development machine); the GitHub Actions workflow runs it.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackUploadFlowIT extends S3UploadFlowContract {
    // Tags after 4.14.0 need an auth token.
    @Container
    static final LocalStackContainer LOCALSTACK =
            new LocalStackContainer(DockerImageName.parse("localstack/localstack:4.14.0")).withServices("s3");

    @Override
    URI s3Endpoint() {
        return LOCALSTACK.getEndpoint();
    }
}
