package dev.brainscan.lambda;

import dev.brainscan.testing.S3Env;
import java.net.URI;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The S3 flow against S3Proxy, an S3-protocol server in this JVM on loopback: runs everywhere. */
class S3ProxyUploadFlowIT extends S3UploadFlowContract {
    // Signatures are not checked so that the fault proxy (a different Host) can sit in front.
    @RegisterExtension
    final S3ProxyExtension s3proxy = S3ProxyExtension.builder()
            .withCredentials(AuthenticationType.NONE, S3Env.ACCESS_KEY, S3Env.SECRET_KEY).build();

    @Override
    URI s3Endpoint() {
        return s3proxy.getUri();
    }
}
