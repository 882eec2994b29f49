package dev.brainscan.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;

/** The sample events of events/, loaded as the Lambda runtime deserialises them (the files sam local uses). */
public final class Events {
    private Events() {
    }

    public static S3Event s3(String name) {
        return EventLoader.loadS3Event(TestPaths.events().resolve(name).toString());
    }

    public static com.amazonaws.services.lambda.runtime.events.SQSEvent sqs(String name) {
        return EventLoader.loadSQSEvent(TestPaths.events().resolve(name).toString());
    }

    public static APIGatewayV2HTTPEvent http(String name) {
        return EventLoader.loadApiGatewayHttpEvent(TestPaths.events().resolve(name).toString());
    }
}
