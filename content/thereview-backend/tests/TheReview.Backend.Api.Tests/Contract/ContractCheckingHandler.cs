namespace TheReview.Backend.Api.Tests.Contract;

/// <summary>Fails the request, with the reasons, when the API's answer breaks its OpenAPI document.</summary>
public sealed class ContractCheckingHandler(ApiContract contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        // Buffered, so the test reads the body after the check.
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var headers = response.Headers.Concat(response.Content.Headers).Select(header => header.Key);
        var violations = contract.Violations(request.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode,
            response.Content.Headers.ContentType?.MediaType, headers, body);
        if (violations.Count > 0)
        {
            response.Dispose();
            throw new ContractViolationException(string.Join('\n', violations));
        }

        return response;
    }
}

public sealed class ContractViolationException(string message) : Exception(message);
